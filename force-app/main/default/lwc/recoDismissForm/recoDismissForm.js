import { LightningElement, api } from 'lwc';
import { DISMISS_REASONS } from 'c/recoRecords';

export default class RecoDismissForm extends LightningElement {
    @api productName;

    reason;
    options = DISMISS_REASONS.map((value) => ({ label: value, value }));

    get label() {
        return `Why dismiss ${this.productName || 'this recommendation'}?`;
    }

    get confirmDisabled() {
        return !this.reason;
    }

    handleReasonChange(event) {
        this.reason = event.detail.value;
    }

    handleConfirm() {
        this.dispatchEvent(new CustomEvent('confirm', { detail: { reason: this.reason } }));
    }

    handleCancel() {
        this.dispatchEvent(new CustomEvent('cancel'));
    }
}
